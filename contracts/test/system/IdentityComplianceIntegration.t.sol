// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SystemFixture} from "./SystemFixture.sol";
import {AssetFactory} from "../../src/system/factories/AssetFactory.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";
import {ModularCompliance} from "../../src/compliance/ModularCompliance.sol";
import {IKeelCompliance} from "../../src/compliance/interfaces/IKeelCompliance.sol";
import {IdentityClaimExpressionModule} from "../../src/compliance/modules/IdentityClaimExpressionModule.sol";
import {IdentityRegistry} from "../../src/identity/IdentityRegistry.sol";
import {IdentityFactory} from "../../src/identity/IdentityFactory.sol";
import {TrustedIssuersRegistry} from "../../src/identity/TrustedIssuersRegistry.sol";
import {KeelIdentity} from "../../src/identity/KeelIdentity.sol";
import {KeelClaimIssuer} from "../../src/identity/KeelClaimIssuer.sol";
import {IIdentity} from "../../src/interfaces/onchainid/IIdentity.sol";
import {IClaimIssuer} from "../../src/interfaces/onchainid/IClaimIssuer.sol";

/// @notice The token engineer's compliance modules against the real identity stack
/// (factory-deployed asset, beacon identities, claim issuer, tiered trust).
contract IdentityComplianceIntegrationTest is SystemFixture {
    uint256 internal constant SANCTIONED = 99;
    uint256 internal constant ACCREDITED = 7;

    address internal issuerAdmin = makeAddr("issuerAdmin");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    AssetFactory.Asset internal asset;
    KeelToken internal token;
    KeelClaimIssuer internal kyc;
    KeelIdentity internal aliceId;
    KeelIdentity internal bobId;

    function setUp() public override {
        super.setUp();
        asset = _create(1, issuerAdmin);
        token = KeelToken(asset.token);
        IdentityFactory idf = IdentityFactory(sys.identityFactory);
        address[] memory signers = new address[](1);
        signers[0] = vm.addr(SIGNER_PK);
        kyc = KeelClaimIssuer(payable(idf.createClaimIssuer(admin, signers)));
        uint256[] memory t = new uint256[](3);
        t[0] = KYC;
        t[1] = SANCTIONED;
        t[2] = ACCREDITED;
        TrustedIssuersRegistry(sys.systemIssuersRegistry).addTrustedIssuer(IClaimIssuer(address(kyc)), t);
        address[] memory claimKeys = new address[](1);
        claimKeys[0] = admin;
        aliceId = KeelIdentity(payable(idf.createIdentity(alice, claimKeys)));
        bobId = KeelIdentity(payable(idf.createIdentity(bob, claimKeys)));
        _claim(aliceId, KYC);
        _claim(bobId, KYC);
        IdentityRegistry(asset.identityRegistry).registerIdentity(alice, IIdentity(address(aliceId)), 840);
        IdentityRegistry(asset.identityRegistry).registerIdentity(bob, IIdentity(address(bobId)), 276);
        vm.startPrank(issuerAdmin);
        token.unpause();
        token.mint(alice, 1_000);
        vm.stopPrank();
    }

    function _claim(KeelIdentity id, uint256 topic) internal {
        bytes memory data = abi.encode(topic);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(SIGNER_PK, kyc.claimDigest(address(id), topic, 0, data));
        id.addClaim(topic, 1, address(kyc), abi.encodePacked(r, s, v), data, "");
    }

    function _node(IdentityClaimExpressionModule.NodeKind k, uint256 topic)
        internal
        pure
        returns (IdentityClaimExpressionModule.Node memory)
    {
        return IdentityClaimExpressionModule.Node({kind: k, topic: topic});
    }

    /// @dev ACCREDITED AND NOT SANCTIONED, as a compliance module on the asset.
    function _installExpressionModule() internal returns (IdentityClaimExpressionModule m) {
        m = new IdentityClaimExpressionModule();
        IdentityClaimExpressionModule.Node[] memory e = new IdentityClaimExpressionModule.Node[](4);
        e[0] = _node(IdentityClaimExpressionModule.NodeKind.TOPIC, ACCREDITED);
        e[1] = _node(IdentityClaimExpressionModule.NodeKind.TOPIC, SANCTIONED);
        e[2] = _node(IdentityClaimExpressionModule.NodeKind.NOT, 0);
        e[3] = _node(IdentityClaimExpressionModule.NodeKind.AND, 0);
        vm.startPrank(issuerAdmin);
        ModularCompliance(asset.compliance).addModule(address(m));
        ModularCompliance(asset.compliance).callModuleFunction(
            abi.encodeCall(IdentityClaimExpressionModule.setExpression, (e)), address(m)
        );
        vm.stopPrank();
    }

    function test_expressionModule_readsRealClaims() public {
        IdentityClaimExpressionModule m = _installExpressionModule();
        // bob is KYC'd (registry verifies him) but not accredited: the module rejects.
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IKeelCompliance.ComplianceModuleRejected.selector,
                address(m),
                abi.encodeWithSelector(IdentityClaimExpressionModule.ClaimExpressionNotSatisfied.selector, bob, address(bobId))
            )
        );
        token.transfer(bob, 1);
        _claim(bobId, ACCREDITED);
        vm.prank(alice);
        token.transfer(bob, 1);
        _claim(bobId, SANCTIONED);
        vm.prank(alice);
        vm.expectRevert();
        token.transfer(bob, 1);
        kyc.revokeClaim(keccak256(abi.encode(address(kyc), SANCTIONED)), address(bobId));
        vm.prank(alice);
        token.transfer(bob, 1);
        assertEq(token.balanceOf(bob), 2);
    }

    function test_expressionModule_rejectsOnOtherChain() public {
        _installExpressionModule();
        _claim(bobId, ACCREDITED);
        assertTrue(ModularCompliance(asset.compliance).canTransfer(alice, bob, 1));
        uint256 home = block.chainid;
        vm.chainId(home + 1);
        assertFalse(ModularCompliance(asset.compliance).canTransfer(alice, bob, 1));
    }

    /// @dev Transfer gas with the real identity stack (one required topic, no modules),
    /// to compare with bench/contracts (which uses a test double registry).
    function test_gas_transferWithRealIdentityRegistry() public {
        vm.prank(alice);
        uint256 before = gasleft();
        token.transfer(bob, 1);
        uint256 used = before - gasleft();
        emit log_named_uint("transfer gas, real identity registry, 1 topic, 0 modules (execution)", used);
        uint256 b2 = gasleft();
        IdentityRegistry(asset.identityRegistry).isVerified(bob);
        emit log_named_uint("isVerified gas (warm, 1 topic, 3 trust tiers)", b2 - gasleft());
    }

    event log_named_uint(string key, uint256 val);
}
