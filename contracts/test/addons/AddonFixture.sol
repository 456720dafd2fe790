// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {KeelTest} from "../utils/KeelTest.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";
import {KeelRoles} from "../../src/token/KeelRoles.sol";
import {ModularCompliance} from "../../src/compliance/ModularCompliance.sol";
import {GlobalCompliance} from "../../src/compliance/GlobalCompliance.sol";
import {AddonIdentityRegistry} from "./mocks/AddonIdentityRegistry.sol";
import {AddonTestERC20} from "./mocks/AddonTestERC20.sol";
import {CheckpointedKeelToken} from "./mocks/CheckpointedKeelToken.sol";

/// @notice Keel asset token (real token and compliance engine, minimal identity
/// registry) plus plain ERC-20 settlement currencies, for the addon suites.
abstract contract AddonFixture is KeelTest {
    uint16 internal constant US = 840;

    AddonIdentityRegistry internal registry;
    GlobalCompliance internal globalCompliance;
    KeelToken internal token;
    AddonTestERC20 internal usdc;

    address internal admin = address(this);
    address internal issuer = makeAddr("issuer");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal dave = makeAddr("dave");
    address internal mallory = makeAddr("mallory"); // never registered

    function setUp() public virtual {
        registry = new AddonIdentityRegistry();
        registry.register(alice, US);
        registry.register(bob, US);
        registry.register(carol, US);
        registry.register(dave, US);
        registry.register(issuer, US);
        globalCompliance = new GlobalCompliance(false);
        globalCompliance.initialize(admin);
        token = _newAsset("Keel Bond 2030", "KB30", 6);
        usdc = new AddonTestERC20("USD Coin", "USDC", 6);
    }

    function _newAsset(string memory name_, string memory symbol_, uint8 decimals_) internal returns (KeelToken t) {
        t = _initAsset(new KeelToken(false), name_, symbol_, decimals_);
    }

    /// @dev A Keel asset with historical balance checkpoints (test double, see the mock).
    function _newCheckpointedAsset(string memory name_, string memory symbol_, uint8 decimals_)
        internal
        returns (CheckpointedKeelToken t)
    {
        t = CheckpointedKeelToken(address(_initAsset(new CheckpointedKeelToken(), name_, symbol_, decimals_)));
    }

    function _initAsset(KeelToken t, string memory name_, string memory symbol_, uint8 decimals_)
        internal
        returns (KeelToken)
    {
        ModularCompliance c = new ModularCompliance(false);
        c.initialize(admin, address(globalCompliance));
        t.initialize(
            KeelToken.InitParams({
                name: name_,
                symbol: symbol_,
                decimals: decimals_,
                isin: "",
                onchainID: address(0),
                identityRegistry: address(registry),
                compliance: address(c),
                admin: admin
            })
        );
        t.grantRole(KeelRoles.SUPPLY_MANAGEMENT_ROLE, issuer);
        t.grantRole(KeelRoles.SUPPLY_MANAGEMENT_ROLE, admin);
        t.grantRole(KeelRoles.EMERGENCY_ROLE, admin);
        t.grantRole(KeelRoles.CUSTODIAN_ROLE, admin);
        t.unpause();
        return t;
    }

    function _mintAsset(KeelToken t, address to, uint256 amount) internal {
        t.mint(to, amount);
    }
}
