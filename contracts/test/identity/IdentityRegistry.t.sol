// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IdentityFixture} from "./IdentityFixture.sol";
import {KeelIdentity} from "../../src/identity/KeelIdentity.sol";
import {KeelClaimIssuer} from "../../src/identity/KeelClaimIssuer.sol";
import {IdentityRegistry} from "../../src/identity/IdentityRegistry.sol";
import {IdentityRegistryStorage} from "../../src/identity/IdentityRegistryStorage.sol";
import {KeelAccessManaged} from "../../src/system/access/KeelAccessManaged.sol";
import {KeelSystemRoles} from "../../src/system/access/KeelSystemRoles.sol";
import {IIdentity} from "../../src/interfaces/onchainid/IIdentity.sol";
import {IdentityClaimExpressionModule} from "../../src/compliance/modules/IdentityClaimExpressionModule.sol";

contract IdentityRegistryTest is IdentityFixture {
    function setUp() public override {
        super.setUp();
        _require(KYC);
        _trust(systemIssuers, address(kycIssuer), KYC);
        _register(alice, aliceId, US);
        _issue(kycIssuer, aliceId, KYC, 0);
    }

    // ---------------------------------------------------------------- isVerified

    function test_isVerified_allTopicsFromTrustedIssuer() public view {
        assertTrue(registry.isVerified(alice));
    }

    function test_isVerified_unregisteredFalse() public view {
        assertFalse(registry.isVerified(stranger));
    }

    function test_isVerified_noTopicsRequiredRegisteredIsVerified() public {
        vm.prank(policyManager);
        topics.removeClaimTopic(KYC);
        _register(bob, bobId, DE);
        assertTrue(registry.isVerified(bob));
    }

    function test_isVerified_missingTopicFalse() public {
        _require(AML);
        assertFalse(registry.isVerified(alice));
        _trust(assetIssuers, address(kycIssuer), AML);
        _issue(kycIssuer, aliceId, AML, 0);
        assertTrue(registry.isVerified(alice));
    }

    function test_isVerified_issuerNotTrustedFalse() public {
        vm.prank(policyManager);
        systemIssuers.removeTrustedIssuer(kycIssuer);
        assertFalse(registry.isVerified(alice));
    }

    function test_isVerified_issuerTrustedForOtherTopicFalse() public {
        uint256[] memory t = new uint256[](1);
        t[0] = AML;
        vm.prank(policyManager);
        systemIssuers.updateIssuerClaimTopics(kycIssuer, t);
        assertFalse(registry.isVerified(alice));
    }

    /// @dev The claim stored under the trusted issuer's claim id must name that issuer.
    function test_isVerified_selfAttestedClaimDoesNotCount() public {
        _register(bob, bobId, DE);
        vm.prank(bob);
        bobId.addClaim(KYC, 1, address(bobId), "", "", "");
        assertFalse(registry.isVerified(bob));
    }

    function test_isVerified_untrustedIssuerClaimDoesNotCount() public {
        address[] memory keys = new address[](1);
        keys[0] = signer;
        vm.prank(identityManager);
        KeelClaimIssuer rogue = KeelClaimIssuer(payable(factory.createClaimIssuer(stranger, keys)));
        _register(bob, bobId, DE);
        _issue(rogue, bobId, KYC, 0);
        assertFalse(registry.isVerified(bob));
    }

    function test_isVerified_revokedFalse() public {
        vm.prank(issuerOwner);
        kycIssuer.revokeClaim(keccak256(abi.encode(address(kycIssuer), KYC)), address(aliceId));
        assertFalse(registry.isVerified(alice));
    }

    function test_isVerified_expiredFalse() public {
        vm.warp(1_000);
        _issue(kycIssuer, aliceId, KYC, 2_000);
        assertTrue(registry.isVerified(alice));
        vm.warp(2_000);
        assertFalse(registry.isVerified(alice));
    }

    function test_isVerified_otherChainFalse() public {
        uint256 home = block.chainid;
        vm.chainId(home + 1);
        assertFalse(registry.isVerified(alice));
        vm.chainId(home);
        assertTrue(registry.isVerified(alice));
    }

    function test_isVerified_claimRemovedFalse() public {
        vm.prank(alice);
        aliceId.removeClaim(keccak256(abi.encode(address(kycIssuer), KYC)));
        assertFalse(registry.isVerified(alice));
    }

    function test_isVerified_trustViaGlobalTier() public {
        vm.prank(policyManager);
        systemIssuers.removeTrustedIssuer(kycIssuer);
        _trust(globalIssuers, address(kycIssuer), KYC);
        assertTrue(registry.isVerified(alice));
    }

    function test_isVerified_trustViaAssetTier() public {
        vm.prank(policyManager);
        systemIssuers.removeTrustedIssuer(kycIssuer);
        _trust(assetIssuers, address(kycIssuer), KYC);
        assertTrue(registry.isVerified(alice));
    }

    // ---------------------------------------------------------------- lost wallets

    function test_markWalletLost_neverVerifies() public {
        vm.prank(identityManager);
        registry.markWalletLost(alice);
        assertTrue(registry.isWalletLost(alice));
        assertFalse(registry.isVerified(alice));
        // Still linked, so the token's recovery can check the identity.
        assertEq(address(registry.identity(alice)), address(aliceId));
    }

    function test_markWalletLost_neverRegisteredAgain() public {
        vm.prank(identityManager);
        registry.markWalletLost(alice);
        vm.prank(identityManager);
        registry.deleteIdentity(alice);
        vm.prank(identityManager);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.WalletIsLost.selector, alice));
        registry.registerIdentity(alice, IIdentity(address(aliceId)), US);
        assertFalse(registry.isVerified(alice));
    }

    function test_markWalletLost_unknownReverts() public {
        vm.prank(identityManager);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.WalletNotStored.selector, stranger));
        registry.markWalletLost(stranger);
    }

    function test_recoverIdentity() public {
        address newWallet = makeAddr("aliceNew");
        vm.prank(identityManager);
        registry.recoverIdentity(alice, newWallet);
        assertFalse(registry.isVerified(alice));
        assertTrue(registry.isVerified(newWallet));
        assertEq(address(registry.identity(newWallet)), address(aliceId));
        assertEq(registry.investorCountry(newWallet), US);
    }

    function test_recoverIdentity_unknownReverts() public {
        vm.prank(identityManager);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistry.WalletNotRegistered.selector, stranger));
        registry.recoverIdentity(stranger, bob);
    }

    function test_recoverIdentity_strangerReverts() public {
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(KeelAccessManaged.MissingRole.selector, stranger, KeelSystemRoles.IDENTITY_MANAGER_ROLE)
        );
        registry.recoverIdentity(alice, bob);
    }

    // ---------------------------------------------------------------- registration

    function test_registerIdentity() public view {
        assertTrue(registry.contains(alice));
        assertEq(registry.investorCountry(alice), US);
        assertEq(address(registry.identity(alice)), address(aliceId));
    }

    function test_registerIdentity_strangerReverts() public {
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(KeelAccessManaged.MissingRole.selector, stranger, KeelSystemRoles.IDENTITY_MANAGER_ROLE)
        );
        registry.registerIdentity(bob, IIdentity(address(bobId)), DE);
    }

    function test_registerIdentity_twiceReverts() public {
        vm.prank(identityManager);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.WalletAlreadyStored.selector, alice));
        registry.registerIdentity(alice, IIdentity(address(bobId)), DE);
    }

    function test_registerIdentity_zeroIdentityReverts() public {
        vm.prank(identityManager);
        vm.expectRevert(IdentityRegistryStorage.ZeroAddress.selector);
        registry.registerIdentity(bob, IIdentity(address(0)), DE);
    }

    function test_batchRegisterIdentity() public {
        address[] memory w = new address[](2);
        IIdentity[] memory ids = new IIdentity[](2);
        uint16[] memory c = new uint16[](2);
        w[0] = bob;
        w[1] = stranger;
        ids[0] = IIdentity(address(bobId));
        ids[1] = IIdentity(address(bobId));
        c[0] = DE;
        c[1] = US;
        vm.prank(identityManager);
        registry.batchRegisterIdentity(w, ids, c);
        assertEq(registry.investorCountry(stranger), US);
        assertEq(address(registry.identity(bob)), address(bobId));
    }

    function test_batchRegisterIdentity_lengthMismatchReverts() public {
        vm.prank(identityManager);
        vm.expectRevert(IdentityRegistry.LengthMismatch.selector);
        registry.batchRegisterIdentity(new address[](1), new IIdentity[](0), new uint16[](1));
    }

    function test_deleteIdentity() public {
        vm.prank(identityManager);
        registry.deleteIdentity(alice);
        assertFalse(registry.contains(alice));
        assertFalse(registry.isVerified(alice));
    }

    function test_deleteIdentity_unknownReverts() public {
        vm.prank(identityManager);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.WalletNotStored.selector, stranger));
        registry.deleteIdentity(stranger);
    }

    function test_updateCountry() public {
        vm.prank(identityManager);
        registry.updateCountry(alice, DE);
        assertEq(registry.investorCountry(alice), DE);
    }

    function test_updateCountry_strangerReverts() public {
        vm.prank(stranger);
        vm.expectRevert();
        registry.updateCountry(alice, DE);
    }

    function test_updateIdentity() public {
        vm.prank(identityManager);
        registry.updateIdentity(alice, IIdentity(address(bobId)));
        assertEq(address(registry.identity(alice)), address(bobId));
        assertFalse(registry.isVerified(alice)); // bob's identity has no KYC claim
    }

    function test_updateIdentity_unknownReverts() public {
        vm.prank(identityManager);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.WalletNotStored.selector, stranger));
        registry.updateIdentity(stranger, IIdentity(address(bobId)));
    }

    // ---------------------------------------------------------------- configuration

    function test_setters_adminOnly() public {
        registry.setClaimTopicsRegistry(address(topics));
        registry.setTrustedIssuersRegistry(address(systemIssuers));
        registry.setIdentityRegistryStorage(address(idStorage));
        assertEq(address(registry.issuersRegistry()), address(systemIssuers));
        assertEq(address(registry.topicsRegistry()), address(topics));
        assertEq(address(registry.identityStorage()), address(idStorage));
        vm.startPrank(stranger);
        vm.expectRevert();
        registry.setClaimTopicsRegistry(address(topics));
        vm.expectRevert();
        registry.setTrustedIssuersRegistry(address(topics));
        vm.expectRevert();
        registry.setIdentityRegistryStorage(address(topics));
        vm.stopPrank();
    }

    function test_setters_zeroReverts() public {
        vm.expectRevert(IdentityRegistry.ZeroAddress.selector);
        registry.setClaimTopicsRegistry(address(0));
        vm.expectRevert(IdentityRegistry.ZeroAddress.selector);
        registry.setTrustedIssuersRegistry(address(0));
        vm.expectRevert(IdentityRegistry.ZeroAddress.selector);
        registry.setIdentityRegistryStorage(address(0));
    }

    function test_initialize_twiceReverts() public {
        vm.expectRevert();
        registry.initialize(address(access), address(0), address(idStorage), address(topics), address(assetIssuers));
    }

    // ---------------------------------------------------------------- expressions

    function _node(IdentityClaimExpressionModule.NodeKind k, uint256 topic)
        internal
        pure
        returns (IdentityClaimExpressionModule.Node memory)
    {
        return IdentityClaimExpressionModule.Node({kind: k, topic: topic});
    }

    /// @dev (AML OR ACCREDITED) AND NOT SANCTIONED, postfix.
    function _policy() internal pure returns (IdentityClaimExpressionModule.Node[] memory e) {
        e = new IdentityClaimExpressionModule.Node[](6);
        e[0] = _node(IdentityClaimExpressionModule.NodeKind.TOPIC, AML);
        e[1] = _node(IdentityClaimExpressionModule.NodeKind.TOPIC, ACCREDITED);
        e[2] = _node(IdentityClaimExpressionModule.NodeKind.OR, 0);
        e[3] = _node(IdentityClaimExpressionModule.NodeKind.TOPIC, SANCTIONED);
        e[4] = _node(IdentityClaimExpressionModule.NodeKind.NOT, 0);
        e[5] = _node(IdentityClaimExpressionModule.NodeKind.AND, 0);
    }

    function test_expression_andOrNot() public {
        uint256[] memory t = new uint256[](3);
        t[0] = AML;
        t[1] = ACCREDITED;
        t[2] = SANCTIONED;
        vm.prank(policyManager);
        systemIssuers.updateIssuerClaimTopics(kycIssuer, _withKyc(t));
        vm.prank(policyManager);
        registry.setVerificationExpression(_policy());
        assertEq(registry.verificationExpression().length, 6);
        assertFalse(registry.isVerified(alice)); // neither AML nor ACCREDITED
        _issue(kycIssuer, aliceId, ACCREDITED, 0);
        assertTrue(registry.isVerified(alice));
        _issue(kycIssuer, aliceId, SANCTIONED, 0);
        assertFalse(registry.isVerified(alice));
        vm.prank(issuerOwner);
        kycIssuer.revokeClaim(keccak256(abi.encode(address(kycIssuer), SANCTIONED)), address(aliceId));
        assertTrue(registry.isVerified(alice));
    }

    function test_expression_clear() public {
        vm.prank(policyManager);
        registry.setVerificationExpression(_policy());
        assertFalse(registry.isVerified(alice));
        vm.prank(policyManager);
        registry.setVerificationExpression(new IdentityClaimExpressionModule.Node[](0));
        assertTrue(registry.isVerified(alice));
    }

    function test_expression_malformedReverts() public {
        IdentityClaimExpressionModule.Node[] memory e = new IdentityClaimExpressionModule.Node[](2);
        e[0] = _node(IdentityClaimExpressionModule.NodeKind.TOPIC, AML);
        e[1] = _node(IdentityClaimExpressionModule.NodeKind.AND, 0);
        vm.prank(policyManager);
        vm.expectRevert(IdentityRegistry.InvalidExpression.selector);
        registry.setVerificationExpression(e);
        e[1] = _node(IdentityClaimExpressionModule.NodeKind.TOPIC, KYC);
        vm.prank(policyManager);
        vm.expectRevert(IdentityRegistry.InvalidExpression.selector);
        registry.setVerificationExpression(e);
    }

    function test_expression_strangerReverts() public {
        vm.prank(stranger);
        vm.expectRevert();
        registry.setVerificationExpression(_policy());
    }

    /// @dev Random postfix programs: the registry accepts exactly the well-formed ones
    /// and then agrees with a reference evaluation over the held-topic bitmap.
    function testFuzz_expression_matchesReference(uint256 seed, uint8 held) public {
        uint256 len = bound(seed, 1, 9);
        IdentityClaimExpressionModule.Node[] memory e = new IdentityClaimExpressionModule.Node[](len);
        for (uint256 i = 0; i < len; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            e[i] = _node(IdentityClaimExpressionModule.NodeKind(r % 4), 10 + ((r >> 8) % 3));
        }
        uint256[] memory t = new uint256[](3);
        for (uint256 i = 0; i < 3; ++i) {
            t[i] = 10 + i;
        }
        _trust(assetIssuers, address(kycIssuer), 10);
        vm.prank(policyManager);
        assetIssuers.updateIssuerClaimTopics(kycIssuer, t);
        for (uint256 i = 0; i < 3; ++i) {
            if (held & (1 << i) != 0) _issue(kycIssuer, aliceId, t[i], 0);
        }
        (bool wellFormed, bool expected) = _reference(e, held);
        vm.prank(policyManager);
        if (!wellFormed) {
            vm.expectRevert(IdentityRegistry.InvalidExpression.selector);
            registry.setVerificationExpression(e);
            return;
        }
        registry.setVerificationExpression(e);
        assertEq(registry.isVerified(alice), expected);
    }

    function _reference(IdentityClaimExpressionModule.Node[] memory e, uint8 held)
        internal
        pure
        returns (bool ok, bool value)
    {
        bool[] memory st = new bool[](e.length);
        uint256 sp = 0;
        for (uint256 i = 0; i < e.length; ++i) {
            uint256 k = uint256(e[i].kind);
            if (k == 0) {
                st[sp++] = held & (1 << (e[i].topic - 10)) != 0;
            } else if (k == 3) {
                if (sp < 1) return (false, false);
                st[sp - 1] = !st[sp - 1];
            } else {
                if (sp < 2) return (false, false);
                --sp;
                st[sp - 1] = k == 1 ? (st[sp - 1] && st[sp]) : (st[sp - 1] || st[sp]);
            }
        }
        return (sp == 1, sp == 1 && st[0]);
    }

    function _withKyc(uint256[] memory t) internal pure returns (uint256[] memory out) {
        out = new uint256[](t.length + 1);
        out[0] = KYC;
        for (uint256 i = 0; i < t.length; ++i) {
            out[i + 1] = t[i];
        }
    }
}
