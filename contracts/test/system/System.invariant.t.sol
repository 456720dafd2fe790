// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SystemFixture} from "./SystemFixture.sol";
import {KeelSystemBootstrap} from "../../src/system/KeelSystemBootstrap.sol";
import {AssetFactory} from "../../src/system/factories/AssetFactory.sol";
import {SystemRegistry} from "../../src/system/SystemRegistry.sol";
import {IdentityRegistryStorage} from "../../src/identity/IdentityRegistryStorage.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";
import {KeelRoles} from "../../src/token/KeelRoles.sol";
import {KeelSystemRoles} from "../../src/system/access/KeelSystemRoles.sol";

/// @notice Deploys assets of random kinds with random admins.
contract AssetDeployer {
    address[5] public factories;
    AssetFactory.Asset[] internal _assets;
    uint256[] public kindOf;

    constructor(address[5] memory factories_) {
        factories = factories_;
    }

    function deploy(uint256 kind, address admin, uint8 topicCount) external {
        kind %= 5;
        // The admin is a user-chosen account; a factory (or this handler) as admin
        // would make "no factory keeps a role" untestable, so the fuzzer may not pick one.
        if (admin == address(0) || admin == address(this)) admin = address(0xA);
        for (uint256 f = 0; f < 5; ++f) {
            if (admin == factories[f]) admin = address(0xA);
        }
        uint256[] memory topics = new uint256[](topicCount % 4);
        for (uint256 i = 0; i < topics.length; ++i) {
            topics[i] = i + 1;
        }
        bytes memory terms;
        if (kind == 0) terms = abi.encode(uint256(1), uint64(block.timestamp + 1 days), address(1));
        else if (kind == 1) terms = abi.encode("A", "");
        else if (kind == 2) terms = abi.encode(uint16(10), "");
        else if (kind == 3) terms = abi.encode("USD", uint256(1));
        else terms = abi.encode("EUR", "");
        _assets.push(
            AssetFactory(factories[kind]).createAsset(
                AssetFactory.AssetRequest({
                    name: "n",
                    symbol: "s",
                    decimals: 18,
                    isin: "",
                    admin: admin,
                    requiredClaimTopics: topics,
                    terms: terms,
                    modules: new AssetFactory.ComplianceModule[](0),
                    cap: 0,
                    historicalBalances: false,
                    voting: false,
                    roleGrants: new AssetFactory.RoleGrant[](0),
                    unpause: false
                })
            )
        );
        kindOf.push(kind);
    }

    function count() external view returns (uint256) {
        return _assets.length;
    }

    function asset(uint256 i) external view returns (AssetFactory.Asset memory) {
        return _assets[i];
    }
}

contract SystemInvariantTest is SystemFixture {
    AssetDeployer internal deployer;

    function setUp() public override {
        super.setUp();
        deployer = new AssetDeployer(sys.factories);
        _access().grantRole(KeelSystemRoles.TOKEN_DEPLOYER_ROLE, address(deployer));
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(deployer);
    }

    /// @dev Every deployed asset is registered with its kind, wired to the shared storage,
    /// and no factory keeps a role on it.
    function invariant_assetsRegisteredWiredAndReleased() public view {
        SystemRegistry reg = SystemRegistry(sys.systemRegistry);
        uint256 n = deployer.count();
        assertEq(reg.assetCount(), n, "registry count");
        for (uint256 i = 0; i < n; ++i) {
            AssetFactory.Asset memory a = deployer.asset(i);
            uint256 k = deployer.kindOf(i);
            assertTrue(reg.assetKind(a.token) == AssetFactory(sys.factories[k]).kind(), "kind");
            assertTrue(IdentityRegistryStorage(sys.identityStorage).isRegistryBound(a.identityRegistry), "bound");
            KeelToken t = KeelToken(a.token);
            assertTrue(t.paused(), "assets deploy paused");
            for (uint256 f = 0; f < 5; ++f) {
                assertFalse(t.hasRole(t.DEFAULT_ADMIN_ROLE(), sys.factories[f]), "factory kept admin");
                assertFalse(t.hasRole(KeelRoles.GOVERNANCE_ROLE, sys.factories[f]), "factory kept governance");
            }
        }
    }

    function test_deployerDeploys() public {
        deployer.deploy(3, address(0xB), 2);
        assertEq(SystemRegistry(sys.systemRegistry).assetCount(), 1);
    }
}
